"""Pairing rounds: who meets whom, repeats avoided while avoidable, blocks always respected."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from bot.core.records import PairingGroup
from bot.core.schedule import next_weekly

MIN_GROUP = 2
MAX_GROUP = 4
DEFAULT_REPEAT_WINDOW = 6  # rounds
EVERY_WEEKS = (1, 2, 4)
EXACT_LIMIT = 10  # up to this many members the best grouping is searched exhaustively
_WINDOW = 64  # how far down the list the greedy pass looks for a fresh partner
_REPAIR_REACH = 60  # how many neighbouring groups a repair tries, each side, for one member
_REPAIR_WORK = 200_000  # swaps weighed per attempt, at most: a bound for pathological inputs
# Fresh attempts while repeats remain: each costs up to ~members², so small channels get many.
_MAX_RETRIES = 60
_RETRY_WORK = 200_000
_RETRIES_WITHOUT_GAIN = 30
_BLOCK = 1_000_000  # a block is a hard rule: no number of repeats is worth breaking one
_DAY_MINUTES = 24 * 60

Partners = Mapping[str, Set[str]]
_Lookup = Callable[[str, Set[str]], Set[str]]


@dataclass(frozen=True)
class Grouping:
    groups: tuple[tuple[str, ...], ...]
    unplaced: tuple[str, ...]  # alone, or impossible to place without breaking a block
    repeats: int  # pairs grouped again within the repeat window


def group_sizes(count: int, size: int) -> list[int]:
    """Groups of `size`; a leftover of one joins a group (size + 1), a larger one is its own."""
    check_group_size(size)
    sizes: list[int] = []
    while count >= MIN_GROUP:
        take = count if count <= size + 1 else size
        sizes.append(take)
        count -= take
    return sizes


def check_group_size(size: int) -> None:
    if not MIN_GROUP <= size <= MAX_GROUP:
        raise ValueError(f"group size must be {MIN_GROUP}–{MAX_GROUP}, not {size}")


def count_repeats(groups: Sequence[Sequence[str]], recent: Partners) -> int:
    """Pairs in the same group who were partners in the window."""
    none: Set[str] = frozenset()
    partners = recent.get
    repeats = 0
    for group in groups:
        for a, b in combinations(group, 2):
            if b in partners(a, none) or a in partners(b, none):
                repeats += 1
    return repeats


def make_groups(
    members: Sequence[str],
    *,
    size: int,
    recent: Partners | None = None,
    blocked: Partners | None = None,
    offsets: Mapping[str, int] | None = None,
    seed: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> Grouping:
    """Everyone in exactly one group of `group_sizes`, unless a block makes that impossible.

    `recent`: each member's partners in the last rounds, recorded both ways (repeats are kept
    minimal); `blocked`: each member's blocks (never grouped, either direction); `offsets`:
    minutes east of UTC (close time zones are grouped when it costs no repeat). Up to
    `exact_limit` members the best grouping is searched for; beyond, a greedy pass in time-zone
    order and local repair. The same inputs and `seed` give the same groups."""
    check_group_size(size)
    recent = recent or {}
    blocked = blocked or {}
    offsets = offsets or {}
    people = list(dict.fromkeys(members))
    if len(people) <= exact_limit:
        groups, unplaced = _exact(people, size, recent=recent, blocked=blocked, offsets=offsets)
        made = tuple(groups)
        return Grouping(made, tuple(sorted(unplaced)), count_repeats(made, recent))
    rng = random.Random(seed)
    best = _heuristic(people, size, recent, blocked, offsets, rng)
    # Small channels can afford fresh attempts while a repeat remains (large ones rarely have
    # one to fix), until attempts stop paying off.
    stale = 0
    for _ in range(min(_MAX_RETRIES, _RETRY_WORK // len(people) ** 2)):
        if not (best.repeats or best.unplaced) or stale == _RETRIES_WITHOUT_GAIN:
            break
        tried = _heuristic(people, size, recent, blocked, offsets, rng)
        if (len(tried.unplaced), tried.repeats) < (len(best.unplaced), best.repeats):
            best, stale = tried, 0
        else:
            stale += 1
    return best


@dataclass(frozen=True)
class RoundPlan:
    grouping: Grouping  # of everyone but `kept_out`, exactly as if those had paused
    kept_out: tuple[str, ...]  # blockers sitting the round out so whoever they block is not


def plan_round(
    members: Sequence[str],
    *,
    size: int,
    recent: Partners | None = None,
    blocked: Partners | None = None,
    offsets: Mapping[str, int] | None = None,
    seed: int = 0,
) -> RoundPlan:
    """A round's groups, where a block never shows. When blocks leave someone without a group,
    whoever blocked them sits the round out instead (they know of their own block), and the rest
    are grouped exactly as if those blockers had paused: the blocked member, and the organiser's
    numbers, see what a pause would have shown."""
    blocked = blocked or {}
    people = list(dict.fromkeys(members))
    kept: set[str] = set()
    while True:
        taking = [m for m in people if m not in kept]
        among = set(taking)
        grouping = make_groups(
            taking,
            size=size,
            recent=recent,
            blocked={o: theirs & among for o, theirs in blocked.items() if o in among},
            offsets=offsets,
            seed=seed,
        )
        before = len(kept)
        if len(taking) >= MIN_GROUP:
            for member in grouping.unplaced:
                blockers = {o for o in taking if member in blocked.get(o, ())}
                kept |= blockers or ({member} if blocked.get(member, set()) & among else set())
        if len(kept) == before:
            return RoundPlan(grouping, tuple(sorted(kept)))


def answers_are_in(groups: Sequence[PairingGroup]) -> bool:
    """Whether a round's meet-rate can no longer change: each group met, or all said."""
    return all(
        group.met_at is not None or all(seat.answer is not None for seat in group.seats)
        for group in groups
    )


# --- exhaustive search, for small channels ----------------------------------------------------


def _exact(
    people: list[str],
    size: int,
    *,
    recent: Partners,
    blocked: Partners,
    offsets: Mapping[str, int],
) -> tuple[list[tuple[str, ...]], list[str]]:
    """The grouping with the fewest left out, then fewest repeats, then closest time zones.

    Groups have the sizes of `group_sizes` when a block allows it; when not, any other mix of
    sizes (each of `MIN_GROUP` to `size + 1`) is tried before leaving anyone out."""
    people = sorted(people, key=lambda m: (offsets.get(m, 0), m))
    costs = _Clashes(recent, blocked)
    for left_out in range(len(people) + 1):  # only a block ever leaves anyone out
        for usual in (True, False):
            best: tuple[tuple[int, int], list[tuple[str, ...]], list[str]] | None = None
            for benched in combinations(people, left_out):
                playing = [m for m in people if m not in benched]
                standard = group_sizes(len(playing), size)
                mixes = [standard] if usual else _other_size_mixes(len(playing), size, standard)
                for sizes in mixes:
                    found = _best_split(playing, sizes, costs, offsets)
                    if found is not None and (best is None or found[0] < best[0]):
                        best = (found[0], found[1], list(benched))
            if best is not None:
                return best[1], best[2]
    raise AssertionError("leaving everyone out always works")  # pragma: no cover


def _other_size_mixes(count: int, size: int, standard: list[int]) -> list[list[int]]:
    """Every other way to make `count` of groups of `MIN_GROUP` to `size + 1`, largest first."""
    mixes: list[list[int]] = []

    def build(left: int, most: int, taken: list[int]) -> None:
        if left == 0:
            mixes.append(list(taken))
            return
        for take in range(min(most, left), MIN_GROUP - 1, -1):
            build(left - take, take, [*taken, take])

    build(count, size + 1, [])
    return [mix for mix in mixes if sorted(mix) != sorted(standard)]


def _best_split(
    people: list[str], sizes: list[int], costs: _Clashes, offsets: Mapping[str, int]
) -> tuple[tuple[int, int], list[tuple[str, ...]]] | None:
    """The split of `people` into groups of `sizes` (in any order) with the fewest repeats, then
    the closest time zones, breaking no block; None if every split breaks one."""
    best: list[tuple[tuple[int, int], list[tuple[str, ...]]]] = []

    def search(
        rest: tuple[str, ...],
        sizes: list[int],
        groups: list[tuple[str, ...]],
        cost: tuple[int, int],
    ) -> None:
        if best and cost >= best[0][0]:
            return
        if not rest:
            best[:] = [(cost, list(groups))]
            return
        head, others = rest[0], rest[1:]
        for take in sorted(set(sizes)):
            left_sizes = list(sizes)
            left_sizes.remove(take)
            for mates in combinations(others, take - 1):
                group = (head, *mates)
                clashes = sum(costs.with_group(m, group[i + 1 :]) for i, m in enumerate(group))
                if clashes >= _BLOCK:
                    continue
                spread = _spread([offsets.get(m, 0) for m in group])
                groups.append(group)
                left = tuple(m for m in others if m not in mates)
                search(left, left_sizes, groups, (cost[0] + clashes, cost[1] + spread))
                groups.pop()

    search(tuple(people), sizes, [], (0, 0))
    return best[0] if best else None


def _spread(offsets: Sequence[int]) -> int:
    """The largest time-zone distance in a group, in minutes, around the clock."""
    widest = 0
    for a, b in combinations(offsets, 2):
        gap = abs(a - b) % _DAY_MINUTES
        widest = max(widest, min(gap, _DAY_MINUTES - gap))
    return widest


# --- greedy construction and local repair, for everything else --------------------------------


def _heuristic(
    people: list[str],
    size: int,
    recent: Partners,
    blocked: Partners,
    offsets: Mapping[str, int],
    rng: random.Random,
) -> Grouping:
    # Random order within a time zone, zones side by side: neighbours are close in time.
    # One float per member sorts fast: the zone's offset in minutes, plus a random fraction.
    zone, draw = offsets.get, rng.random
    keys = [zone(m, 0) + draw() for m in people]
    order = [people[i] for i in sorted(range(len(people)), key=keys.__getitem__)]
    costs = _Clashes(recent, blocked)
    groups, clashing = _greedy(order, size, costs)
    touched = _repair(groups, clashing, costs)
    unplaced = _respect_blocks(groups, touched, size, costs)
    # Only groups that clashed, or took part in a repair, can hold a repeat.
    repeats = count_repeats([groups[i] for i in touched], recent)
    return Grouping(tuple(tuple(g) for g in groups if g), tuple(sorted(unplaced)), repeats)


class _Clashes:
    """Clash costs with the lookups bound once: the greedy pass asks a few hundred thousand
    times. `recent` is taken as recorded both ways (it comes from shared groups); blocks are
    one member's wish, so they are made to count both ways here."""

    def __init__(self, recent: Partners, blocked: Partners) -> None:
        both: dict[str, set[str]] = {}
        for member, theirs in blocked.items():
            for other in theirs:
                both.setdefault(member, set()).add(other)
                both.setdefault(other, set()).add(member)
        self._recent = recent.get
        self._blocked = both.get
        self._none: Set[str] = frozenset()

    def with_group(self, member: str, group: Sequence[str], *, leaving: str = "") -> int:
        """What `member` costs in `group` (ignoring themself and whoever is `leaving` it)."""
        recent = self._recent(member, self._none)
        blocked = self._blocked(member, self._none)
        cost = 0
        for other in group:
            if other in (member, leaving):
                continue
            if other in blocked:
                cost += _BLOCK
            elif other in recent:
                cost += 1
        return cost

    def lookups(self) -> tuple[_Lookup, _Lookup, Set[str]]:
        """The raw lookups, for the one loop hot enough to want them: recent, blocked, none."""
        return self._recent, self._blocked, self._none

    def blocks(self, member: str, group: Sequence[str]) -> int:
        blocked = self._blocked(member, self._none)
        return sum(1 for other in group if other in blocked)


def _greedy(order: list[str], size: int, costs: _Clashes) -> tuple[list[list[str]], list[int]]:
    """Take the first free member, then the nearest free members who clash with no one in
    the group; a doubly linked list over `order` makes each removal O(1). Returns the groups,
    and which of them still clash."""
    count = len(order)
    after = list(range(1, count + 1))
    before = list(range(-1, count - 1))
    head = 0
    recent_of, blocked_of, none = costs.lookups()

    def remove(i: int) -> None:
        nonlocal head
        if before[i] >= 0:
            after[before[i]] = after[i]
        else:
            head = after[i]
        if after[i] < count:
            before[after[i]] = before[i]

    groups: list[list[str]] = []
    clashing: list[int] = []
    left = count
    while left >= MIN_GROUP:
        take = left if left <= size + 1 else size
        group = [order[head]]
        head = after[head]  # taking the head is the common case: inlined, as below
        if head < count:
            before[head] = -1
        group_cost = 0
        while len(group) < take:
            # Nearly always the next in line fits: checked inline, it costs no call.
            candidate = order[head]
            recent, blocked = recent_of(candidate, none), blocked_of(candidate, none)
            for other in group:
                if other in recent or other in blocked:
                    break
            else:
                group.append(candidate)
                head = after[head]
                if head < count:
                    before[head] = -1
                continue
            best, best_cost, i, seen = head, _BLOCK * (size + 1), head, 0
            # Look a little way for someone fresh, and as far as it takes for someone not blocked.
            while i < count and (seen < _WINDOW or best_cost >= _BLOCK):
                cost = costs.with_group(order[i], group)
                if cost < best_cost:
                    best, best_cost = i, cost
                    if cost == 0:
                        break
                i, seen = after[i], seen + 1
            remove(best)
            group.append(order[best])
            group_cost += best_cost
        if group_cost:
            clashing.append(len(groups))
        groups.append(group)
        left -= take
    if left == 1:  # alone: `_respect_blocks` finds them a place, or not
        clashing.append(len(groups))
        groups.append([order[head]])
    return groups, clashing


def _repair(groups: list[list[str]], clashing: list[int], costs: _Clashes) -> set[int]:
    """Swap clashing members with members of nearby groups while that lowers the total cost,
    within a bounded amount of work; returns every group that clashed or took part in a swap."""
    touched = set(clashing)
    work = _REPAIR_WORK

    def swap_away(x: str, gi: int) -> int | None:
        nonlocal work
        group = groups[gi]
        x_here = costs.with_group(x, group)
        for distance in range(1, min(len(groups), _REPAIR_REACH)):
            for hj in (gi - distance, gi + distance):
                if not 0 <= hj < len(groups):
                    continue
                other = groups[hj]
                work -= len(other)
                for y in other:
                    # Both sides of the swap, each without the member it loses.
                    before = x_here + costs.with_group(y, other)
                    after = costs.with_group(y, group, leaving=x)
                    after += costs.with_group(x, other, leaving=y)
                    if after < before:
                        group[group.index(x)] = y
                        other[other.index(y)] = x
                        return hj
            if work <= 0:
                break
        return None

    for _ in range(4):  # passes; each swap strictly lowers the total cost
        improved = False
        for gi in sorted(touched):
            group = groups[gi]
            for x in list(group):
                if work <= 0 or x not in group or costs.with_group(x, group) == 0:
                    continue
                partner = swap_away(x, gi)
                if partner is not None:
                    touched.add(partner)
                    improved = True
        if not improved:
            break
    return touched


def _respect_blocks(
    groups: list[list[str]], touched: set[int], size: int, costs: _Clashes
) -> list[str]:
    """What repair could not fix: take out whoever breaks a block and find them a place, or
    leave them out. Changes `groups` in place (a group emptied stays, empty); returns who is
    left out, and adds every group changed to `touched`."""
    strays: list[str] = []
    for gi in sorted(touched):
        group = groups[gi]
        while group:
            worst = max(group, key=lambda m: (costs.blocks(m, group), m))
            if costs.blocks(worst, group) == 0:
                break
            group.remove(worst)
            strays.append(worst)
        if len(group) < MIN_GROUP:
            strays += group
            group.clear()
    unplaced: list[str] = []
    for stray in strays:
        homes = [
            gi
            for gi, g in enumerate(groups)
            if MIN_GROUP <= len(g) <= size and costs.blocks(stray, g) == 0
        ]
        if not homes:
            unplaced.append(stray)
            continue
        home = min(homes, key=lambda gi: costs.with_group(stray, groups[gi]))
        groups[home].append(stray)
        touched.add(home)
    return unplaced


# --- time: round dates across zones and DST --------------------------------------------------


def utc_offset_minutes(zone: str, at: datetime) -> int:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def next_round(
    *, previous: datetime, every_weeks: int, weekday: int, at: time, zone: str, now: datetime
) -> datetime:
    """The round after the one scheduled at `previous`: `every_weeks` later on the same weekday
    and wall-clock time in `zone`, so a DST change never moves it; rounds that a down time left
    in the past are skipped, not held late."""
    moment = previous
    while moment <= now:
        # From a day short of the interval, the next slot is the one `every_weeks` on, even
        # when a DST change in between made that interval an hour longer or shorter.
        after = moment + timedelta(weeks=every_weeks) - timedelta(days=1)
        moment = next_weekly(after, timezone=zone, weekday=weekday, at=at)
    return moment
