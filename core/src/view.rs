//! View state of each screen, built from the event stream by a pure reducer.
