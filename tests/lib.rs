//! Workspace-level tests live beside this file; the library is empty.
