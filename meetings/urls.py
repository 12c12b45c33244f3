from meetings.views import ballots, meetings

app_name = "meetings"

urlpatterns = [*meetings.urls, *ballots.urls]
