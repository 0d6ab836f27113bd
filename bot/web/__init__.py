"""The web pages: the organisers' dashboard and a member's own page, behind signed links."""
