export const placeholder = 'keyshare';
