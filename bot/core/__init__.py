"""The domain: plain Python with no platform, database or scheduler in sight."""
