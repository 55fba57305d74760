"""One module per user-facing flow; each exports HANDLERS for bot/app.py."""
