"""Helpers users import as in Haystack 1.x (`from hayrick.utils import print_answers`)."""

from hayrick.pipelines.standard import format_answers, print_answers, print_documents

__all__ = ["format_answers", "print_answers", "print_documents"]
