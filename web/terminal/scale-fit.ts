// Scale-to-fit math for a terminal whose size someone else decides (pure, DOM-free).

export interface Box {
  width: number;
  height: number;
}

export interface Placement {
  /** CSS transform scale: never above `max`, so a small grid on a big window stays crisp. */
  scale: number;
  /** Offset in px that centres the scaled grid horizontally (it stays at the top, where the cursor usually is). */
  left: number;
  top: number;
}

/** How to scale `content` (the terminal at its natural size) into `box` (the room there is). */
export function fitScale(box: Box, content: Box, max = 1): Placement {
  if (content.width <= 0 || content.height <= 0 || box.width <= 0 || box.height <= 0) return { scale: 1, left: 0, top: 0 };
  const scale = Math.min(box.width / content.width, box.height / content.height, max);
  const left = Math.max(0, Math.floor((box.width - content.width * scale) / 2));
  return { scale, left, top: 0 };
}
