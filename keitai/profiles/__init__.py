"""Profiles: the fields of a member's profile, each with its own audience, and editing them.

Its pages are the profile (keitai/pages/profile.py) and the settings (keitai/pages/settings.py).
"""
