"""Text for keitai: device charsets, carrier emoji, hankaku kana, search keys.

Stored text is Unicode with emoji in one carrier-neutral form (emoji.py);
decode_input/from_device_text bring device input into it, encode_output and
emoji_for take it back out per device. A device is any object with `carrier`,
`kind` and `charset` attributes.
"""
from .charset import (InputDecodeError, charset_label, decode_input, encode_output,
                      encoded_length, from_device_text, to_crlf)
from .emoji import GETA, emoji_for
from .kana import hankaku_html, hankaku_kana, normalize_for_search, zenkaku_kana

__all__ = [
    'InputDecodeError', 'decode_input', 'from_device_text', 'encode_output', 'emoji_for',
    'charset_label', 'normalize_for_search', 'encoded_length', 'to_crlf',
    'hankaku_html', 'hankaku_kana', 'zenkaku_kana', 'GETA',
]
