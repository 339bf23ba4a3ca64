"""The few protobuf fields ``fangxian bench load`` speaks, read and written by hand (field numbers of
Streamlit 1.67's BackMsg / ForwardMsg / ClientState): core imports no UI library.
tests/browser/test_bench_load.py checks this codec against the installed streamlit's own protobuf classes."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _len_field(num: int, payload: bytes) -> bytes:
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


def _str_field(num: int, s: str) -> bytes:
    return _len_field(num, s.encode()) if s else b""


def _bool_field(num: int, b: bool) -> bytes:
    return _varint(num << 3) + b"\x01" if b else b""


def _read_varint(mv: memoryview, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = mv[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes | memoryview) -> Iterator[tuple[int, Any]]:
    """(field number, value) of one message: an int (varint), a memoryview (bytes) or 4/8 raw bytes."""
    mv, i = memoryview(buf), 0
    while i < len(mv):
        key, i = _read_varint(mv, i)
        num, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, i = _read_varint(mv, i)
        elif wire == 2:
            size, i = _read_varint(mv, i)
            value, i = mv[i:i + size], i + size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, i = mv[i:i + width], i + width
        else:
            raise ValueError(f"protobuf wire type {wire}")
        yield num, value


def _text(v: memoryview) -> str:
    return bytes(v).decode("utf-8", "replace")


def rerun_msg(*, query: str = "", page_hash: str = "", page_name: str = "", fragment_id: str = "",
              auto: bool = False, cached: tuple[str, ...] = (), url: str = "", embedded: bool = False) -> bytes:
    """BackMsg{rerun_script: ClientState}, as the frontend's sendRerunBackMsg builds it."""
    context = (_str_field(1, "Asia/Shanghai") + _str_field(3, "zh-CN") + _str_field(4, url)
               + _varint(5 << 3) + (b"\x01" if embedded else b"\x00"))
    state = (_str_field(1, query) + _str_field(3, page_hash) + _str_field(4, page_name) + _str_field(5, fragment_id)
             + _bool_field(6, auto) + b"".join(_str_field(7, h) for h in cached) + _len_field(8, context))
    return _len_field(11, state)


@dataclass
class Forward:
    """What this client reads of one ForwardMsg."""

    kind: str = "other"
    hash: str = ""
    cacheable: bool = False
    fragment_ids: tuple[str, ...] = ()
    status: int = -1
    interval: float = 0.0
    fragment_id: str = ""
    pages: tuple[tuple[str, str], ...] = ()  # (url path, script hash) of the sidebar's visible pages
    page_hash: str = ""
    query: str = ""
    error: tuple[str, str] | None = None  # (what, text)


_KIND = {4: "new_session", 5: "delta", 6: "finished", 10: "session_event", 12: "page_info", 15: "page_not_found",
         21: "auto_rerun", 23: "navigation", 28: "stop_auto_rerun", 11: "ref_hash"}


def _element_error(element: memoryview) -> tuple[str, str] | None:
    for num, v in _fields(element):
        if num == 8:  # Exception{1 type, 2 message, 5 is_warning}
            f = dict(_fields(v))
            if not f.get(5):
                return "exception", f"{_text(f.get(1, memoryview(b'')))}: {_text(f.get(2, memoryview(b'')))}"
        elif num == 30:  # Alert{1 body, 2 format}; format 1 = ERROR
            f = dict(_fields(v))
            if f.get(2) == 1:
                return "st_error", _text(f.get(1, memoryview(b"")))
    return None


def parse_forward(buf: bytes) -> Forward:
    out = Forward()
    for num, v in _fields(buf):
        if num == 1:
            out.hash = _text(v)
        elif num == 2:
            for m, mv in _fields(v):
                if m == 1:
                    out.cacheable = bool(mv)
                elif m == 6:
                    out.fragment_ids = tuple(_text(x) for k, x in _fields(mv) if k == 2)
        elif num in _KIND:
            out.kind = _KIND[num]
            if num == 6:
                out.status = int(v)
            elif num == 5:
                for m, mv in _fields(v):
                    if m == 3:
                        out.error = _element_error(mv)
            elif num == 10:
                if any(m == 3 for m, _ in _fields(v)):
                    out.error = ("compile_error", "")
            elif num == 12:
                out.query = next((_text(x) for m, x in _fields(v) if m == 1), "")
            elif num == 15:
                out.error = ("page_not_found", next((_text(x) for m, x in _fields(v) if m == 1), ""))
            elif num == 21:
                for m, mv in _fields(v):
                    if m == 1:
                        out.interval = struct.unpack("<f", bytes(mv))[0]
                    elif m == 2:
                        out.fragment_id = _text(mv)
            elif num == 28:
                out.fragment_ids = tuple(_text(x) for m, x in _fields(v) if m == 1)
            elif num == 23:
                pages = []
                for m, mv in _fields(v):
                    if m == 2:
                        p = dict(_fields(mv))
                        if not p.get(7):
                            pages.append((_text(p.get(6, memoryview(b""))), _text(p.get(1, memoryview(b"")))))
                    elif m == 4:
                        out.page_hash = _text(mv)
                out.pages = tuple(pages)
    return out


# --- one client ------------------------------------------------------------------------------------
