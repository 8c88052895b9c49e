"""Uploaded files are kept in memory, never in a temporary file, and refused past a size.

Django writes uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE to temporary files, deleted when
the request ends; a server process killed in the middle of a request (a timeout, a restart)
leaves its file behind. Every upload here is small (evidence files, appeal files and
spreadsheets are limited to a few MB), so each is read into memory up to UPLOAD_MAX_BYTES, and
one larger than that stops the request with `UploadTooLarge`, answered 413 (see guard.py).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """An uploaded file larger than UPLOAD_MAX_BYTES."""


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            raise UploadTooLarge("an uploaded file is larger than UPLOAD_MAX_BYTES")
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
