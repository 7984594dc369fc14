// Web permissions (camera, microphone, notifications, geolocation, clipboard reads, HID, ...):
// the studio uses none, so every check and request is denied, whoever asks. Kept as a function
// so the shell and its test share one decision.
export function permissionAllowed(_permission: string): boolean {
  return false;
}
