/** Mattermost ids are 26 lowercase letters and digits: anything else from an unsigned body never reaches a REST path. */
export const isMattermostId = (value: string): boolean => /^[a-z0-9]{26}$/.test(value);
