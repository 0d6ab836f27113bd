"""Commands, declared once: each module exports specs that every adapter renders."""
