"""Placeholder: filled in by its owner in this session."""

from flask import Blueprint

bp = Blueprint("public", __name__)
