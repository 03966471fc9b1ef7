"""django-dbbackup connector for SQLite that restores through SQLite's online backup API.

The stock SqliteBackupConnector backs up with that API but restores by writing over the
database file. Writing into the live connection instead lets SQLite take its locks and
deal with its journal (no half-copied file under an open handle), keeps the file's
owner and permissions, and also restores the in-memory database of the test suite, so
the restore drill (tests/stored_files/test_restore_drill.py) runs the real command.
"""

import shutil
import sqlite3
from tempfile import NamedTemporaryFile

from dbbackup.db.sqlite import SqliteBackupConnector


class SqliteOnlineConnector(SqliteBackupConnector):
    def restore_dump(self, dump):
        self.connection.ensure_connection()
        with NamedTemporaryFile(suffix=".sqlite3") as copy:
            shutil.copyfileobj(dump, copy)
            copy.flush()
            source = sqlite3.connect(copy.name)
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()
