"""Investigation pages: evidence, custody hand-overs, records (询问笔录, 现场检查笔录), 先行登记保存."""

from django.urls import path

from casework import views_evidence

urlpatterns = [
    path("cases/<int:pk>/evidence/new/", views_evidence.evidence_add, name="evidence-add"),
    path("cases/<int:pk>/records/new/", views_evidence.record_add, name="record-add"),
    path("cases/<int:pk>/preservations/new/", views_evidence.preservation_add, name="preservation-add"),
    path("evidence/<int:pk>/", views_evidence.evidence_detail, name="evidence-detail"),
    path("evidence/<int:pk>/hand-over/", views_evidence.evidence_hand_over, name="evidence-hand-over"),
    path("evidence/<int:pk>/file/", views_evidence.evidence_download, name="evidence-download"),
    path("preservations/<int:pk>/decide/", views_evidence.preservation_decide, name="preservation-decide"),
]
