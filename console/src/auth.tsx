import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'
import { callAdmin, loadSession, saveSession, setUnauthenticatedHandler, type Session } from './api'

interface AuthValue {
  session: Session | null
  /** Admins and operators change data (the server decides; this only hides buttons). */
  canWrite: boolean
  /** Admins manage accounts and rules. */
  isAdmin: boolean
  login(username: string, password: string): Promise<void>
  logout(): Promise<void>
  /** Forgets the session locally (after a password change ended it on the server). */
  forget(): void
}

const AuthContext = createContext<AuthValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const navigate = useNavigate()
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setSession(null)
      void navigate('/login', { replace: true })
    })
  }, [navigate])
  const login = useCallback(async (username: string, password: string) => {
    const result = await callAdmin('login', { username, password })
    const next: Session = {
      token: result.token,
      username: result.username,
      displayName: result.displayName,
      role: result.role,
      storeIds: result.storeIds,
      expiresAt: result.expiresAt,
    }
    saveSession(next)
    setSession(next)
  }, [])
  const logout = useCallback(async () => {
    try {
      await callAdmin('logout', {})
    } finally {
      saveSession(null)
      setSession(null)
    }
  }, [])
  const forget = useCallback(() => {
    saveSession(null)
    setSession(null)
  }, [])
  const value = useMemo(
    () => ({
      session,
      canWrite: session?.role === 'admin' || session?.role === 'operator',
      isAdmin: session?.role === 'admin',
      login,
      logout,
      forget,
    }),
    [session, login, logout, forget],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth outside AuthProvider')
  return value
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useAuth()
  const location = useLocation()
  if (!session)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
  return <>{children}</>
}
