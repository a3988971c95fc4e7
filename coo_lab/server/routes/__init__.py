"""The HTTP routes of the service, one module per screen group of the original system."""
