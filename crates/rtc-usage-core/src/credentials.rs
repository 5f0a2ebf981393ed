//! Placeholder: being written (credentials with redacted secrets).
