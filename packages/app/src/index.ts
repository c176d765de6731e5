export const placeholder = 'app';
