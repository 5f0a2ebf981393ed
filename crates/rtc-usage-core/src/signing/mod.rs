//! Placeholder: being written (the three signers).
