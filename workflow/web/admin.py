"""Placeholder: filled in by its owner in this session."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
