// One render per animation frame however many updates arrive, and none while a mouse button is down:
// a render between a press and its release would replace what was pressed and lose the click.
export function renderLoop(render: () => void): () => void {
  let pressed = false;
  let frame = 0;
  const schedule = () => {
    if (!frame && !pressed) frame = requestAnimationFrame(() => { frame = 0; render(); });
  };
  window.addEventListener('mousedown', () => { pressed = true; }, true);
  window.addEventListener('mouseup', () => { pressed = false; setTimeout(schedule); }, true);
  return schedule;
}
