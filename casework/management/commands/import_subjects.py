"""`python manage.py import_subjects FILE.csv [--dry-run]`: load the subject registry from CSV.

All or nothing: every row is validated first and every error is reported (`第 3 行：region：…`);
if any row is invalid the command imports nothing and exits with status 1. Otherwise all rows are
created or updated (key: kind and code) in one transaction. The file is UTF-8 (a BOM is fine) with
the header kind,code,name,region,level,ownership,category,address,id_number,profession,
institution_code; ID numbers are stored masked only.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from casework.subject_import import existing_keys, subjects_import, subjects_parse


class Command(BaseCommand):
    help = "Import subjects (检查对象) from a UTF-8 CSV file; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8, header line first")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only; store nothing")

    def handle(self, *args, **options):
        rows, errors = self._parse(options["file"])
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"共 {len(errors)} 处错误，未导入任何数据。请修改后重新导入。")
        if not rows:
            self.stdout.write("文件中没有数据行，未导入任何数据。")
            return
        if options["dry_run"]:
            updates = len(existing_keys(rows))
            self.stdout.write(
                f"校验通过：共 {len(rows)} 行，将新增 {len(rows) - updates} 个、更新 {updates} 个检查对象。"
                "试运行，未写入数据库。"
            )
            return
        result = subjects_import(rows)
        self.stdout.write(
            self.style.SUCCESS(f"已导入 {len(rows)} 个检查对象：新增 {result.created} 个，更新 {result.updated} 个。")
        )

    def _parse(self, path: str):
        try:
            with open(path, encoding="utf-8-sig", newline="") as file:
                return subjects_parse(file)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件 {path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"文件 {path} 不是 UTF-8 编码，请另存为 UTF-8（CSV UTF-8）后重新导入。") from exc
        except csv.Error as exc:
            raise CommandError(f"文件 {path} 不是有效的 CSV 文件：{exc}") from exc
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
