"""Errors fa2en raises for problems a user can fix; their messages say what to do."""


class Fa2enError(Exception):
    """Base class: a problem with the user's input, model or configuration (not a bug)."""


class ModelNotFoundError(Fa2enError):
    """A model name or path that resolves to nothing loadable."""


class LanguageCodeError(Fa2enError):
    """A language code the model's tokenizer does not know."""


class InputFileError(Fa2enError):
    """An input file that cannot be read or parsed; the message names the file and the reason."""


class ConfigError(Fa2enError):
    """An option, configuration file or preset that is not valid; the message names it."""


class DeviceUnavailableError(Fa2enError):
    """A device that was asked for but is not there (exit code 3)."""


class TranslationError(Fa2enError):
    """A sentence that could not be translated; the message says why."""


def exit_code(exc: Fa2enError) -> int:
    """The exit code of an error: 3 when the model or device is not available, else 2 (usage)."""
    return 3 if isinstance(exc, ModelNotFoundError | DeviceUnavailableError) else 2


def naming(option: str, exc: Fa2enError) -> Fa2enError:
    """The same kind of error, its message led by the option it came from (``--reverse-model: ...``)."""
    return type(exc)(f"{option}: {exc}")
