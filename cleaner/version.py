__version__ = "0.1.0"
# Named in the default User-Agent so that site owners can find out what is crawling them.
# The project has no public home yet: replace this with its real address when it gets one.
PROJECT_URL = "https://example.invalid/cleaner"
