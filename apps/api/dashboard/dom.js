// @ts-check
/** DOM helpers. Text goes in with text nodes only; nothing here parses HTML. */

/**
 * Creates an element. `props`: `class`, `on<event>` listeners, anything else as an attribute.
 * Children: strings become text nodes; null and false are skipped.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {Array<Node | string | null | false | undefined>} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing from the page`);
  return node;
}

/**
 * @param {string} id
 * @param {string} text
 */
export function setText(id, text) {
  byId(id).textContent = text;
}

/**
 * A labelled read-only field with a "Copy" button; returns the block and a setter for its value.
 * @param {string} id the input's id
 * @param {string} label
 * @param {string} context read before the label by screen readers, e.g. "Primary"
 * @returns {{ node: HTMLElement, set(value: string): void }}
 */
export function copyField(id, label, context) {
  const input = /** @type {HTMLInputElement} */ (el('input', { id, readonly: true, spellcheck: 'false' }));
  const idle = `Copy ${label.toLowerCase()}`;
  const button = el(
    'button',
    { type: 'button', 'aria-label': `Copy ${context.toLowerCase()} ${label.toLowerCase()}` },
    idle,
  );
  button.addEventListener('click', () => {
    void copy(input).then((ok) => {
      button.textContent = ok ? 'Copied' : 'Select and copy by hand';
      button.setAttribute('aria-label', button.textContent);
      setTimeout(() => {
        button.textContent = idle;
        button.setAttribute('aria-label', `Copy ${context.toLowerCase()} ${label.toLowerCase()}`);
      }, 2000);
    });
  });
  const node = el(
    'div',
    { class: 'copy-field' },
    el('label', { for: id }, el('span', { class: 'visually-hidden' }, `${context} `), label),
    input,
    button,
  );
  return {
    node,
    set(value) {
      if (input.value !== value) input.value = value;
    },
  };
}

/** @param {HTMLInputElement} input */
async function copy(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    // No clipboard API outside secure contexts (plain http to a remote host): the old way.
    input.select();
    return document.execCommand('copy');
  }
}

/**
 * Sets a badge's text and its state class (colour only repeats what the text says).
 * @param {HTMLElement} node
 * @param {string} state e.g. "live"
 * @param {string} text
 */
export function setBadge(node, state, text) {
  node.textContent = text;
  node.className = `badge state-${state}`;
}

/**
 * Runs `action`, showing its error in the alert paragraph `errorId` (cleared first). A 401 is left to
 * the sign-out it causes, which says why.
 * @param {string} errorId
 * @param {() => Promise<void>} action
 */
export async function guarded(errorId, action) {
  setText(errorId, '');
  try {
    await action();
  } catch (error) {
    if (/** @type {{ status?: number }} */ (error)?.status === 401) return;
    setText(errorId, error instanceof Error ? error.message : String(error));
  }
}
