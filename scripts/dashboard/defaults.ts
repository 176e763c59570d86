/** The dashboard's port unless --dashboard-port says otherwise (next to the API's 3000). */
export const DEFAULT_DASHBOARD_PORT = 3001;
