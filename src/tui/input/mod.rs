//! What reaches `update`: messages, the actions keys stand for, the table of actions, the keymap.

pub mod action;
pub mod actions;
pub mod keymap;
pub mod message;
