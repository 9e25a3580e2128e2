from django.conf import settings


def shireito(request):
    return {
        "demo_mode": settings.DEMO_MODE,
        "signin_lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "pending_signin_minutes": settings.SHIREITO_PENDING_SIGNIN_SECONDS // 60,
    }
