"""The reviewer web UI: server-rendered pages in the gateway (sign-in, inbox, review)."""
