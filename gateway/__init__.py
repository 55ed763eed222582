"""The HTTP gateway (REST API and reviewer web UI). Not built yet: see the gateway issue."""
