/**
 * How long a message and how large an image may be. Apart from the contract so that code which
 * needs only the numbers (the chat service, in `jobs` for its reminders) does not build every chat
 * schema at cold start.
 */
export const MAX_TEXT_LENGTH = 1000
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024
