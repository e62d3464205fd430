"""Recaps (monthly, semester, weekly WhatsApp/SMS) and the public notice board."""
