from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "urakata.attendance"
    label = "attendance"
    verbose_name = "勤怠・休暇"
