"""The checks on option values: a value that cannot be right (empty, not a number, not a port)
is refused by the parser itself, in one line, before anything is opened."""

from __future__ import annotations

import argparse
from datetime import timedelta

import models


def value(text: str) -> str:
    """Any text that is not empty: an empty option is a mistake (a cron line's empty variable)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value; give one or leave the option out")
    return text


def seconds(text: str) -> float:
    """A wait in seconds, 0 to an hour."""
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 3600:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds (0 to 3600)")
    return number


def count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number")
    return int(text)


def positive(text: str) -> int:
    number = count(text)
    if not 1 <= number <= 10_000:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not from 1 to 10,000")
    return number


def interval(text: str) -> timedelta:
    try:
        return models.parse_interval(text)
    except models.HushdeskError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 6) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a port (1-65535)")
    return int(text)


def minutes(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 < number <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of minutes (up to 1440)")
    return number


def days(text: str) -> int:
    """A number of days, written `7` or `7d` (0 to 3660)."""
    number = text.strip().removesuffix("d")
    if not (number.isascii() and number.isdigit()) or len(number) > 4 or int(number) > 3660:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of days (7d)")
    return int(number)
