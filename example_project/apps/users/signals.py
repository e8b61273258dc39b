"""Signal handlers of the users app; connected in ``UsersConfig.ready()``."""

from .models import Profile


def create_profile(sender, instance, created, raw=False, **kwargs):
    """Create the profile of a newly created user.

    Only on creation: saving an existing user (the active-user middleware does, for one) must
    not write the profile too. ``raw`` saves come from fixtures, which bring their own profiles.
    """
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
