"""WebSocket routes (served by channels in config.asgi)."""

from django.urls import path

from config.consumers import NotificationConsumer

websocket_urlpatterns = [path("ws/notifications/", NotificationConsumer.as_asgi())]
