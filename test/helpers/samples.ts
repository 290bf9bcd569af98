/** Trace ids of samples/ sess-refund-7f3a, turn 1 to 5 (samples/README.md). */
export const REFUND_TURNS = [
  'tr-1b5ff12852e9a8599f3d68af257f6254',
  'tr-3d038574a10650ce84e9aef154170594',
  'tr-0db43d844574d1055d12ea28d4b290e6',
  'tr-431e32114628b590f68d7835089ffda1',
  'tr-eaad7e61ac6baaa620d497e41960925c',
] as const;
