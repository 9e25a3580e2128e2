from django.conf import settings


def shireito(request):
    return {"demo_mode": settings.DEMO_MODE}
