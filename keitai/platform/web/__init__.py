"""The request pipeline: sessions (cookie or URL), CSRF, input, rendering, page splitting.

Views import what they need from here::

    from keitai.platform.web import RouteTable, render, redirect, url, params, viewer, login_required
"""
from keitai.platform.web.pipeline import (
    KeitaiPlugin,
    current_device,
    error_page,
    files,
    int_param,
    login_required,
    params,
    per_page,
    safe_next,
    sign_in,
    sign_out,
    viewer,
)
from keitai.platform.web.render import render
from keitai.platform.web.routes import RouteTable
from keitai.platform.web.urls import absolute, form, mailed, path, redirect, url

__all__ = [
    "KeitaiPlugin", "RouteTable", "absolute", "mailed", "current_device", "error_page", "files", "form", "int_param",
    "login_required", "params", "path", "per_page", "redirect", "render", "safe_next", "sign_in", "sign_out", "url", "viewer",
]
