/** A rendered screen and how to tear it down when the user navigates away. */
export interface Screen {
  el: HTMLElement;
  /** Stops cameras, timers and listeners the screen started. */
  dispose?: () => void;
}
