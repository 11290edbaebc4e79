"""The request pipeline: sessions (cookie or URL), CSRF, input, rendering, page splitting.

Views import what they need from here::

    from keitai.web import RouteTable, render, redirect, url, params, viewer, login_required
"""
from .pipeline import (
    KeitaiPlugin,
    current_device,
    error_page,
    files,
    int_param,
    login_required,
    params,
    safe_next,
    sign_in,
    sign_out,
    viewer,
)
from .render import render
from .routes import RouteTable
from .urls import absolute, form, redirect, url

__all__ = [
    "KeitaiPlugin", "RouteTable", "absolute", "current_device", "error_page", "files", "form", "int_param",
    "login_required", "params", "redirect", "render", "safe_next", "sign_in", "sign_out", "url", "viewer",
]
