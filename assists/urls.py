from django.urls import path

from assists import views

urlpatterns = [
    path("assists/", views.assist_list, name="assist-list"),
    path("assists/new/", views.assist_new, name="assist-new"),
    path("assists/<int:pk>/", views.assist_detail, name="assist-detail"),
    path("assists/<int:pk>/answer/", views.assist_answer, name="assist-answer"),
    path("assists/<int:pk>/decline/", views.assist_decline, name="assist-decline"),
    path("assists/<int:pk>/files/<int:file_id>/", views.assist_file, name="assist-file"),
    path("assists/major/", views.major_list, name="major-case-list"),
    path("assists/major/<int:pk>/", views.major_detail, name="major-case-detail"),
    path("assists/major/<int:pk>/comment/", views.major_comment, name="major-case-comment"),
]
