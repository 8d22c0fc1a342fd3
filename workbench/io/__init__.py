"""Reading client files into canonical tables."""
