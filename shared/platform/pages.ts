/**
 * Mini-program pages that server-made codes open (wxacode `page`).
 */
export const BIND_PAGE = 'pages/bind/index'

export const STAFF_INVITE_PAGE = 'staff/invite/index'
