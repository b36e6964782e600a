"""Error reports (500 pages in DEBUG, mails to admins) never show what a member of the public sent."""

from django.views.debug import SafeExceptionReporterFilter

PUBLIC_PREFIXES = ("/report/", "/api/v1/public/")


class ReporterSafeExceptionFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if request is not None and request.path.startswith(PUBLIC_PREFIXES):
            return {key: self.cleansed_substitute for key in request.POST}
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if request is not None and request.path.startswith(PUBLIC_PREFIXES):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
