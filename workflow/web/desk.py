"""Placeholder: filled in by its owner in this session."""

from flask import Blueprint

bp = Blueprint("desk", __name__)
