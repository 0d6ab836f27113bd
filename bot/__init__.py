"""Networking Buddy: a community bot that helps members keep the promises they make."""
