/**
 * The nonce the server puts on each page (apps/server/src/http/spa.ts): the CSP admits <style>
 * elements only with it. Mantine takes it through MantineProvider's getStyleNonce; the scroll lock
 * of its modals (react-remove-scroll, through get-nonce) reads webpack's global, so that is set too.
 */
export const styleNonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce ?? '';

Object.assign(globalThis, { __webpack_nonce__: styleNonce });
