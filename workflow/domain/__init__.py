"""Pure domain rules: states, actions, permissions, credits. No Flask, no database."""
