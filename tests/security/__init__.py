"""One test per attack on a privacy or safety promise, named after the attack."""
